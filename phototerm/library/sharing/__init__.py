"""Sharing: links served read-only over HTTP (``phototerm serve``) and shares with people of
this machine. The records are the store's (store/shares.py); the Editor's ``shares`` part
(edits/shares.py) makes and revokes them. Here: passwords (scrypt), tokens and expiry dates
(links), recipients and what they can read (people), and copying originals out (export).
"""
