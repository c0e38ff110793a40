"""piaodesk.ui.views"""
