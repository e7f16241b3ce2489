from . import test_install, test_multiprocess, test_openapi, test_pipeline, test_registry
