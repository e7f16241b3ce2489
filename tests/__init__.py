from . import (
    test_backoffice,
    test_demo,
    test_install,
    test_multiprocess,
    test_pipeline,
    test_registry,
)
