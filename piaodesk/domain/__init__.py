"""piaodesk.domain"""
