"""Jupyter's kernel conformance suite (jupyter_kernel_test) on the gradient-lab kernel.

Every sample is filled in, so every test of KernelTests runs. Run by
test/kernel-conformance.test.ts with the kernelspec that `gradient-lab kernel
install --prefix` wrote, found through JUPYTER_PATH, and with the project as
the working folder (so cells resolve `gradient-lab/display`).
"""
import jupyter_kernel_test


class GradientLabKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "gradient-lab"
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("something went wrong")'

    completion_samples = [
        {"text": "Math.flo", "matches": {"floor"}},
        {"text": "const counterValue = 1;\ncounterV", "matches": {"counterValue"}},
    ]
    complete_code_samples = ["1", "const x = 1;", "function twice(y: number) {\n  return 2 * y;\n}"]
    incomplete_code_samples = ["function twice(y: number) {", "const list = [1,", "const text = `first line"]
    invalid_code_samples = ["const 1x = 2;", "let = ;", "}"]

    code_page_something = "Math.max?"

    code_generate_error = 'throw new Error("boom")'

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": "'hello'", "result": "'hello'"},
        {"code": "({ a: 1, b: [1, 2] })", "result": "{ a: 1, b: [ 1, 2 ] }"},
    ]
    code_display_data = [
        {"code": 'import * as tslab from "tslab";\ntslab.display.html("<b>bold</b>")', "mime": "text/html"},
        {"code": 'import { showMarkdown } from "gradient-lab/display";\nshowMarkdown("$x^2$")', "mime": "text/markdown"},
    ]
    code_clear_output = 'import { clearOutput } from "gradient-lab/display";\nconsole.log("soon gone");\nclearOutput()'

    code_history_pattern = "6*7"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "Math.max"
