"""`edtool lsp` in a real editor: Neovim, headless, with its built-in LSP client.

Neovim counts columns in bytes and converts from the server's UTF-16 itself, so this checks our
positions through an independent implementation. Debian's package is enough (`apt-get install
neovim`; 0.7 has vim.lsp.start_client, 0.8+ vim.lsp.start). Skipped when nvim is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from lsp_fixtures import BODY, check_json, closed_port, desk, write_draft  # noqa: F401 (desk is a fixture)

NVIM = shutil.which("nvim")
pytestmark = pytest.mark.skipif(NVIM is None, reason="Neovim (nvim) is not installed; `apt-get install neovim` "
                                                     "runs this test")

SCRIPT = r"""
local desk = os.getenv("EDTOOL_NVIM_DESK")
local out = os.getenv("EDTOOL_NVIM_OUT")
local result = {}
local function finish()
  local f = io.open(out, "w")
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd("qa!")
end
local ok, err = pcall(function()
  vim.cmd("edit " .. vim.fn.fnameescape(os.getenv("EDTOOL_NVIM_DRAFT")))
  local bufnr = vim.api.nvim_get_current_buf()
  local config = { name = "edtool", cmd = { os.getenv("EDTOOL_NVIM_PYTHON"), "-m", "edtool", "lsp" },
                   root_dir = desk }
  local client_id
  if vim.lsp.start then
    client_id = vim.lsp.start(config)
  else
    client_id = vim.lsp.start_client(config)
    vim.lsp.buf_attach_client(bufnr, client_id)
  end
  local function code_of(d)
    return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
  end
  local function diags()
    local list = {}
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      table.insert(list, { code = code_of(d), lnum = d.lnum, col = d.col, end_lnum = d.end_lnum,
                           end_col = d.end_col, message = d.message })
    end
    return list
  end
  local function has(rule)
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      if code_of(d) == rule then return d end
    end
    return nil
  end
  vim.wait(120000, function() return has("style.numbers.millions") ~= nil end, 50)
  result.first = diags()
  local target = has("style.numbers.millions")
  if target == nil then return end
  local client = vim.lsp.get_client_by_id(client_id)
  result.encoding = client.offset_encoding
  local params = vim.lsp.util.make_given_range_params({ target.lnum + 1, target.col },
                                                      { target.lnum + 1, target.col }, bufnr,
                                                      client.offset_encoding)
  params.context = { diagnostics = {}, only = { "quickfix" } }
  local responses = vim.lsp.buf_request_sync(bufnr, "textDocument/codeAction", params, 60000)
  local actions = (responses and responses[client_id] and responses[client_id].result) or {}
  result.titles = {}
  for _, a in ipairs(actions) do table.insert(result.titles, a.title) end
  if actions[1] == nil then return end
  vim.lsp.util.apply_workspace_edit(actions[1].edit, client.offset_encoding)
  result.line = vim.api.nvim_buf_get_lines(bufnr, target.lnum, target.lnum + 1, false)[1]
  vim.wait(60000, function() return has("style.numbers.millions") == nil end, 50)
  result.after = diags()
  result.modified = vim.bo[bufnr].modified
end)
if not ok then result.error = tostring(err) end
finish()
"""


def byte_column(text: str, line: int, column: int) -> int:
    return len(text.replace("\r\n", "\n").split("\n")[line - 1][: column - 1].encode("utf-8"))


def test_neovim_shows_our_findings_at_the_right_bytes_and_applies_a_fix(desk, tmp_path):  # noqa: F811
    path = write_draft(desk)
    text = path.read_text(encoding="utf-8")
    expected = {(d["rule"], d["line"] - 1, byte_column(text, d["line"], d["column"]),
                 d["end_line"] - 1, byte_column(text, d["end_line"], d["end_column"]))
                for d in check_json(desk, path, suppressed=False)}
    script = tmp_path / "edtool_test.lua"
    script.write_text(SCRIPT, encoding="utf-8")
    out = tmp_path / "result.json"
    env = {k: v for k, v in os.environ.items() if k != "EDTOOL_STYLEGUIDE"}
    env.update({"EDTOOL_NVIM_DESK": str(desk), "EDTOOL_NVIM_DRAFT": str(path), "EDTOOL_NVIM_OUT": str(out),
                "EDTOOL_NVIM_PYTHON": sys.executable, "EDTOOL_CACHE_DIR": str(tmp_path / "cache"),
                "EDTOOL_LANGUAGETOOL_URL": f"http://127.0.0.1:{closed_port()}",
                "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data"),
                "XDG_STATE_HOME": str(tmp_path / "state")})
    subprocess.run([NVIM, "--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", f"luafile {script}"],
                   cwd=desk, env=env, timeout=300, capture_output=True, stdin=subprocess.DEVNULL)
    result = json.loads(out.read_text(encoding="utf-8"))
    assert "error" not in result, result
    got = {(d["code"], d["lnum"], d["col"], d["end_lnum"], d["end_col"]) for d in result["first"]}
    assert got == expected
    assert result["encoding"] == "utf-16"
    assert result["titles"][0] == "„Mrd.“ durch „Milliarden“ ersetzen"
    assert result["line"] == BODY.rstrip("\n").replace("Mrd.", "Milliarden")
    assert {d["code"] for d in result["after"]} == {d[0] for d in expected} - {"style.numbers.millions"}
    assert result["modified"] is True and path.read_text(encoding="utf-8") == text  # the buffer, not the file
