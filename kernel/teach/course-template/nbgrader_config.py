# nbgrader (0.9) for a gradient-lab course: `nbgrader generate_assignment`, `autograde`, `generate_feedback`
# on the TypeScript kernel. Run them in this folder with the kernel installed where Jupyter finds it
# (`npx gradient-lab kernel install --user`, or `--prefix` into nbgrader's environment).
c = get_config()

c.CourseDirectory.course_id = "gradient-lab-course"
c.CourseDirectory.source_directory = "source"

# nbgrader ships no code stub for TypeScript. The marker lines are the course's own
# (`// ### BEGIN SOLUTION` ... `// ### END SOLUTION`: nbgrader finds "BEGIN SOLUTION" in the line);
# the answer becomes this stub, so a learner who runs the cell unanswered sees why it failed.
c.ClearSolutions.code_stub = {"typescript": '// YOUR CODE HERE\nthrow new Error("not done yet");'}

# A training cell can run for a while on a loaded grading machine.
c.ExecutePreprocessor.timeout = 300
