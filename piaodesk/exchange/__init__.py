"""piaodesk.exchange"""
