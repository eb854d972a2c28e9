import sys

from phototerm.cli import main

sys.exit(main())
