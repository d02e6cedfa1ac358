"""add_one: the implementation of add_one.stage.json. Reads {"n": number} as JSON on
stdin and writes {"n": n + 1} as JSON on stdout (the command-stage protocol, ENGINE §1)."""
import json
import sys

value = json.load(sys.stdin)
json.dump({"n": value["n"] + 1}, sys.stdout)
