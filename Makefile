# The two commands of the README, and a few conveniences.
.PHONY: essex test fast preview clean

# Set up, then validate every report and build the Essex report and press release.
essex:
	scripts/setup.sh
	.venv/bin/ncpi validate
	.venv/bin/ncpi build essex
	.venv/bin/ncpi press-release essex

# Set up with the test tools, then lint, check the formatting, the import layers and the
# types, and run the whole test suite.
test:
	scripts/setup.sh --test
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports --no-cache
	.venv/bin/mypy
	.venv/bin/python -m pytest

# The developer's loop, once set up: lint, then every test that renders no PDF and starts no
# browser, with every exact-message check (about 15 s).
fast:
	.venv/bin/ruff check .
	.venv/bin/python -m pytest -q -m "not pdf and not process and not browser and not long"

# Render the Essex report's pages as PNG images in build/essex/preview/, to look at.
preview:
	scripts/setup.sh --test
	.venv/bin/ncpi build essex --png

clean:
	rm -rf build
