"""``python -m hipaa_xl.cli``: the same as the ``hipaa-xl`` console script."""

from hipaa_xl.cli import main

main()
