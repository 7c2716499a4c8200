from veille.cli import main

main(prog_name="veille")
