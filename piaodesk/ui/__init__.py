"""piaodesk.ui"""
