from linesift.launch import main

main()
