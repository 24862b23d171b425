"""TrustedNamespace: what a test reads from the learner, and which of its actions reach the kernel."""

from __future__ import annotations

import textwrap
import threading
import time

import pytest

from hcai.judge.local import LocalChannel, run_learner_code
from hcai.judge.namespace import TrustedNamespace
from hcai.judge.verdict import run_test_source


def run(test: str, ns: TrustedNamespace):
    return run_test_source(test, ns, hidden_lines=set())


def learner(code: str) -> tuple[dict, TrustedNamespace]:
    values: dict = {}
    run_learner_code(textwrap.dedent(code), values)
    return values, TrustedNamespace(LocalChannel(values))


def test_forgets_learner_values_but_keeps_test_names():
    values, ns = learner("x = 1")
    assert run("helper = 5\nassert x == 1", ns).passed
    values["x"] = 2
    ns.forget_learner_values()
    assert run("assert x == 2 and helper == 5", ns).passed


def test_builtins_are_never_fetched_from_the_learner():
    values, ns = learner("len = lambda x: 0\nisinstance = lambda *a: False")
    assert run("assert len([1, 2]) == 2 and isinstance(1, int)", ns).passed


def test_a_value_changed_by_learner_code_is_read_again():
    values, ns = learner("""
        count = 0
        def bump():
            global count
            count += 1
        """)
    assert run("assert count == 0\nbump()\nbump()\nassert count == 2", ns).passed


def test_del_reaches_the_kernel_and_rebinding_restores_it():
    values, ns = learner("def f():\n    return g()\ndef g():\n    return 1")
    assert run("orig = g\ndel g\ntry:\n    f()\nexcept NameError:\n    pass\nelse:\n"
               "    raise AssertionError\nfinally:\n    g = orig", ns).passed
    assert values["f"]() == 1  # restored in the learner's globals
    v = run("del not_defined_anywhere", ns)
    assert not v.passed and v.error_name == "NameError"


def test_rebinding_to_a_test_function_ships_its_defaults_closure_and_names():
    values, ns = learner("def total(xs):\n    return sum(scale(x) for x in xs)\n"
                         "def scale(x):\n    return x")
    test = textwrap.dedent("""
        factor = 10
        def make(offset):
            def fake(x, extra=1):
                return x * factor + offset + extra
            return fake
        scale = make(100)
        assert total([1, 2]) == (10 + 101) + (20 + 101)
        """)
    v = run(test, ns)
    assert v.passed, v.message


def test_a_test_object_that_cannot_cross_is_refused_with_a_reason():
    values, ns = learner("def use(x):\n    return x.value")
    v = run("class Fake:\n    value = 1\nassert use(Fake()) == 1", ns)
    assert not v.passed and v.refused and "Fake" in v.message


def test_setattr_on_a_handle_reaches_the_kernel_object():
    values, ns = learner("""
        class Config:
            debug = False
        config = Config()
        def mode():
            return 'debug' if config.debug else 'quiet'
        """)
    assert run("config.debug = True\nassert mode() == 'debug'", ns).passed
    assert values["config"].debug is True


def test_seeding_in_the_test_seeds_the_kernel_and_one_stream_is_shared():
    import numpy as np

    values, ns = learner("import numpy as np\ndef roll():\n    return float(np.random.rand())")
    test = ("import numpy as np\nnp.random.seed(5)\na = roll()\nb = float(np.random.rand())\n"
            "c = roll()\nnp.random.seed(5)\nassert [a, b, c] == list(np.random.rand(3))")
    assert run(test, ns).passed
    # after a learner cell the mirroring stops until the test seeds again
    ns.forget_learner_values()
    assert not ns.seeded
    np.random.seed(None)


def test_a_library_module_cannot_be_patched_from_a_test():
    values, ns = learner("x = 1")
    v = run("import numpy as np\nnp.mean = lambda *a: 0", ns)
    assert not v.passed and v.refused


def test_matplotlib_in_a_test_is_the_learners():
    import matplotlib
    matplotlib.use("Agg")
    values, ns = learner("import matplotlib.pyplot as plt\nfig = plt.figure()\nplt.title('T')")
    try:
        test = ("import matplotlib.pyplot as plt\nfrom matplotlib.figure import Figure\n"
                "assert isinstance(plt.gcf(), Figure) and plt.gcf() is fig\n"
                "assert plt.gca().get_title() == 'T'")
        v = run(test, ns)
        assert v.passed, v.message
        assert "handle" in type(ns["plt"]).__module__ or type(ns["plt"]).__module__ == "learner"
    finally:
        import matplotlib.pyplot as plt
        plt.close("all")


def test_a_planted_module_beside_the_notebook_is_never_imported(tmp_path, monkeypatch):
    marker = tmp_path / "ran.txt"
    (tmp_path / "hcai_planted_probe.py").write_text(f"open({str(marker)!r}, 'w').write('x')\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    values, ns = learner("x = 1")
    v = run("import hcai_planted_probe", ns)
    assert not v.passed and v.refused and not marker.exists()


def test_learner_code_racing_a_rebinding_cannot_make_a_wrong_answer_pass():
    values, ns = learner("""
        def squares(n):
            return [i * i for i in range(1, n + 1)]
        def sum_of_squares(n):
            return sum(i * i for i in range(1, n + 1))   # wrong: does not use squares
        """)
    stop = threading.Event()

    def racer():  # keeps putting its own values back while the test runs
        while not stop.is_set():
            values["squares"] = lambda n: [10] * n
            values["sum_of_squares"] = lambda n: 10 * n
            time.sleep(0.0005)

    thread = threading.Thread(target=racer, daemon=True)
    thread.start()
    try:
        test = textwrap.dedent("""
            orig = squares
            del squares
            try:
                sum_of_squares(1)
            except NameError:
                pass
            else:
                raise AssertionError("sum_of_squares should use squares")
            finally:
                squares = orig
            """)
        results = [run(test, ns).passed for _ in range(20)]
    finally:
        stop.set()
        thread.join()
    assert not any(results)


@pytest.mark.parametrize("idiom", [
    "import random\nrandom.seed(1)\nx = random.random()",
    "from numpy.random import seed\nseed(1)",
    "import numpy.random as npr\nnpr.seed(2)",
])
def test_seed_spellings_are_all_mirrored(idiom):
    values, ns = learner("y = 0")
    assert run(idiom, ns).passed
    assert ns.seeded


def test_private_test_names_and_plain_loops_send_nothing_to_the_kernel():
    values = {"_": 5, "x": 1}
    channel = LocalChannel(values)
    ns = TrustedNamespace(channel)
    assert run("for _ in range(50):\n    _exp = _ * 2\ntotal = sum(range(10))", ns).passed
    assert channel.requests <= 1 and values["_"] == 5  # at most one look at the kernel's names


def test_the_engine_hears_when_learner_code_may_have_run():
    values = {"x": 1, "f": lambda: 2}
    seen: list[int] = []
    ns = TrustedNamespace(LocalChannel(values), on_learner_code=lambda: seen.append(1))
    assert run("assert x == 1", ns).passed and seen == []   # reading a value runs nothing
    assert run("assert f() == 2", ns).passed and seen == [1]
