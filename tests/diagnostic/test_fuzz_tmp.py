from tests.hardening.test_fuzz_api import api, fuzz  # noqa: F401


def test_diagnostic_fuzz(api, tmp_path):  # noqa: F811
    url, token = api
    result = fuzz(url, tmp_path, "--include-path", "/api/v1/diagnostic")
    out = result.stdout
    assert result.returncode == 0, out[-8000:] + result.stderr[-2000:]
    print(out[-1500:])
