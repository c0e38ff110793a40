"""piaodesk.ui.models"""
