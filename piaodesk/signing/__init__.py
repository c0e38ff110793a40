"""piaodesk.signing"""
