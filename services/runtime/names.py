"""Random container names, adjective_noun as Docker makes them; the nouns
are navigators, scientists, artists and inventors of the Portuguese-speaking
world. Store.reserve() retries on a clash."""
import random

ADJECTIVES = (
    "agile", "amazing", "awesome", "blissful", "bold", "brave", "bright", "busy", "calm", "careful",
    "charming", "cheerful", "clever", "cool", "cosmic", "curious", "dazzling", "determined", "eager",
    "ecstatic", "elastic", "elegant", "epic", "fair", "fervent", "festive", "focused", "friendly",
    "funny", "gallant", "gentle", "gifted", "gracious", "happy", "hardy", "hopeful", "humble",
    "jolly", "jovial", "keen", "kind", "laughing", "lively", "loving", "lucid", "magical", "merry",
    "modest", "musing", "mystical", "nice", "noble", "optimistic", "patient", "peaceful", "pensive",
    "practical", "proud", "quick", "quiet", "relaxed", "reverent", "romantic", "serene", "sharp",
    "shy", "silly", "sleepy", "stoic", "steady", "sunny", "sweet", "swift", "tender", "tidy",
    "trusting", "upbeat", "vibrant", "vigilant", "vivid", "wise", "witty", "youthful", "zealous",
)
NOUNS = (
    "almada", "amado", "andresen", "bandeira", "barros", "bertha", "bethania", "brito", "burle",
    "cabral", "camoes", "cardoso", "chagas", "cruz", "dias", "dumont", "eca", "gama", "garrett",
    "gil", "gomes", "herculano", "jobim", "kubitschek", "landell", "lattes", "lispector", "lobato",
    "lopes", "lutz", "machado", "magalhaes", "meireles", "melo", "mendes", "moniz", "nascimento",
    "nise", "niemeyer", "nunes", "oliveira", "pena", "pessoa", "pinto", "portinari", "queiroz",
    "ramos", "rego", "ribeiro", "rosa", "saramago", "sena", "soares", "tarsila", "telles",
    "torga", "vaz", "veloso", "vieira", "villa_lobos",
)


def generate() -> str:
    return f"{random.choice(ADJECTIVES)}_{random.choice(NOUNS)}"
