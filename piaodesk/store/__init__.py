"""piaodesk.store"""
