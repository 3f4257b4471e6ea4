"""The card image, QR code and poster of a signatory, as the profile knows it (names in ja
and en, logo). Helper C builds it. Contract used by others:

- ``card_url(local_government, profile) -> str``: the card's path (``profiles:card`` with
  the key of what it shows), "" for a local government that is not a signatory.
"""
