"""jupyter_kernel_test 0.7's KernelTests for the three kernels `npm run bench` compares (bench/kernel-start.ts).

Every sample is filled in for each kernel's language, where the kernel has a
way to do it; a test left without a sample is skipped and counts as not
passed. The kernelspecs `bench-deno` and `bench-ipykernel` are written by the
bench into a Jupyter path of its own.
"""
import os
import sys

import jupyter_kernel_test

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "test", "python"))
from test_gradient_lab_kernel import GradientLabKernelTests  # noqa: E402,F401  (run as it is in npm test)


class DenoKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "bench-deno"
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("something went wrong")'
    completion_samples = [{"text": "Math.flo", "matches": {"floor"}}]
    complete_code_samples = ["1", "const x = 1;"]
    incomplete_code_samples = ["function twice(y: number) {", "const list = [1,"]
    invalid_code_samples = ["const 1x = 2;", "}"]
    code_generate_error = 'throw new Error("boom")'
    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": "'hello'", "result": '"hello"'},
        {"code": "({ a: 1, b: [1, 2] })", "result": "{ a: 1, b: [ 1, 2 ] }"},
    ]
    code_display_data = [{"code": 'Deno.jupyter.display({ "text/html": "<b>bold</b>" }, { raw: true })', "mime": "text/html"}]
    code_clear_output = 'console.log("soon gone");\nawait Deno.jupyter.broadcast("clear_output", { wait: false })'
    code_history_pattern = "6*7"
    supported_history_operations = ("tail", "range", "search")
    code_inspect_sample = "Math.max"


class IPyKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "bench-ipykernel"
    language_name = "python"
    file_extension = ".py"

    code_hello_world = 'print("hello, world")'
    code_stderr = 'import sys; print("something went wrong", file=sys.stderr)'
    completion_samples = [{"text": "zi", "matches": {"zip"}}]
    complete_code_samples = ["1", "x = 1"]
    incomplete_code_samples = ["def twice(y):", "values = [1,"]
    invalid_code_samples = ["1x = 2", "= 1"]
    code_page_something = "print?"
    code_generate_error = 'raise Exception("boom")'
    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": "'hello'", "result": "'hello'"},
        {"code": "{'a': 1, 'b': [1, 2]}", "result": "{'a': 1, 'b': [1, 2]}"},
    ]
    code_display_data = [{"code": "from IPython.display import HTML, display\ndisplay(HTML('<b>bold</b>'))", "mime": "text/html"}]
    code_clear_output = "from IPython.display import clear_output\nprint('soon gone')\nclear_output()"
    code_history_pattern = "6*7"
    supported_history_operations = ("tail", "range", "search")
    code_inspect_sample = "print"
