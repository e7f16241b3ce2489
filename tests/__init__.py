from . import (
    test_backoffice,
    test_demo,
    test_install,
    test_multiprocess,
    test_openapi,
    test_openapi_client,
    test_openapi_fuzz,
    test_openapi_served,
    test_pipeline,
    test_registry,
)
