from . import (
    test_backoffice,
    test_concurrency,
    test_demo,
    test_errors_http,
    test_install,
    test_multiprocess,
    test_openapi,
    test_pipeline,
    test_registry,
    test_retry,
    test_security,
    test_shadowing,
)
