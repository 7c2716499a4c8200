from veille.cli import run

run()
