# attack: sys.exit(0) while loading, hoping the grader reads "exit 0" as "all tests passed"
import sys

print("==== 45 passed in 0.1s ====")
sys.exit(0)
