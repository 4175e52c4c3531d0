from edtool.cli.main import run

run()
