from linesift.cli import main

main()
