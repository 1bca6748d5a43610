"""Text that breaks the usual decoders: quotes, backslashes, newlines, non-ASCII, a tab and U+2028 (a JavaScript line
end that ``str.splitlines`` splits at). Every client path must hand it back byte for byte."""

TRICKY_DELTAS = ['She said "hi"', " \\ back\\slash", "\nnew line\n", " naïve café ☕ 日本語", " \t tab", "\u2028end"]
