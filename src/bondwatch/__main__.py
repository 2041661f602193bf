from bondwatch.cli import main

main()
