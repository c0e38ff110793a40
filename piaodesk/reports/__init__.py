"""piaodesk.reports"""
