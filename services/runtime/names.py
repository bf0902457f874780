"""Random container names, adjective_noun as Docker makes them; the nouns
are navigators, scientists and inventors of the Portuguese-speaking world."""
import random

ADJECTIVES = (
    "agile", "bold", "brave", "bright", "calm", "clever", "cool", "eager", "fair", "fast",
    "gentle", "happy", "keen", "kind", "lively", "lucid", "merry", "modest", "noble", "proud",
    "quick", "quiet", "sharp", "shy", "steady", "sunny", "swift", "tidy", "vivid", "witty",
)
NOUNS = (
    "cabral", "gama", "magalhaes", "dias", "chagas", "cruz", "lattes", "dumont",
    "nise", "bertha", "pessoa", "camoes", "amado", "lispector", "niemeyer", "burle",
    "landell", "ribeiro", "villa_lobos", "jobim", "pena", "saramago", "andresen", "queiroz",
)


def generate() -> str:
    return f"{random.choice(ADJECTIVES)}_{random.choice(NOUNS)}"
