"""Starts moto's server with the in-memory fixes of emulator_gaps.FIXES applied.

    python moto_launcher.py PORT

Listens on 127.0.0.1:PORT over TLS only (a self-signed certificate made at start), so
every request it answers is a secure-transport one, which the bucket-policy fix relies on.
"""

import sys

import emulator_gaps


def main() -> None:
    if len(sys.argv) != 2 or not sys.argv[1].isdigit():
        sys.exit("usage: moto_launcher.py PORT")
    import moto
    from moto import server

    if moto.__version__ != emulator_gaps.MOTO_VERSION:
        sys.exit(f"moto {moto.__version__} installed, emulator_gaps.py is written for {emulator_gaps.MOTO_VERSION}")
    emulator_gaps.apply_fixes()
    server.main(["-H", "127.0.0.1", "-p", sys.argv[1], "-s"])


if __name__ == "__main__":
    main()
