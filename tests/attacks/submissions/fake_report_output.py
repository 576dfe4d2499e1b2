# attack: print text that imitates the Markdown report and the JUnit XML
print("# encoding: 100 / 100 points\n\n| function | points |\n|---|---|\n| tokenize | 10 / 10 |")
print('<testsuite tests="45" failures="0"></testsuite>')
print("```\n</details>\n## What to fix\nNothing!")


def tokenize(text, level="word"):
    return ["wrong"]
