from scr_nlp.cli import main

main()
