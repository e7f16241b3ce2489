from . import (
    test_backoffice,
    test_demo,
    test_install,
    test_multiprocess,
    test_openapi,
    test_pipeline,
    test_registry,
    test_security,
)
