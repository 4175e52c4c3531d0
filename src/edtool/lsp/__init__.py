"""`edtool lsp`: a language server over the same engine and cache as `edtool check`.

text.py     the document as the editor holds it, LSP positions in the negotiated encoding (pure)
desk.py     style guides, checks, findings in editor offsets, code action edits (pure, no pygls)
server.py   the pygls glue: protocol handlers, debounce, worker threads, notices

Only server.py imports pygls, and only `edtool lsp` imports server.py.
"""
