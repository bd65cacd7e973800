"""Pages of the meetings app, one module per audience: the secretariat (`secretariat.py`),
minutes and the influence ledger (`minutes.py`, `ledger.py`), members (`member.py`)."""
