# attack: a load error whose message is markup: HTML, a forged title, a formula, fences, a lone surrogate
raise ValueError(
    "<img src=x onerror=alert(1)> <script>alert(2)</script>\n"
    "# encoding: 100 / 100 points\n"
    '=HYPERLINK("http://evil.example","claim your points")\n'
    "``````\n"
    "</code></pre></blockquote>]]>\n"
    "| tokenize | 12 / 12 | 7 / 7 |\n"
    "lone surrogate: \udcff, controls: \x1b[31m red \x00 nul \r# carriage-return title \u202e reversed"
)
