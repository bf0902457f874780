"""All benchmarks: `make bench`."""
import sys
import pathlib

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from bench import container_lifecycle, container_start, images_store  # noqa: E402

if __name__ == "__main__":
    container_start.main(sys.argv[1:])
    container_lifecycle.main(sys.argv[1:])
    images_store.main()
