# Tests of automat-api (api/) and the datastores' API strategies. Unit tests
# drive the Router in-process over tests/fakes; the integration test runs the
# real HTTP server against the PostgreSQL of AUTOMAT_TEST_DATABASE_URL.
add_executable(api_unit_test
  unit/api_config_test.cc
  unit/api_instance_request_test.cc
  unit/api_router_test.cc
  unit/api_operations_test.cc
  unit/api_instances_test.cc
  unit/api_replicas_test.cc
  unit/api_catalog_test.cc
  unit/api_mysql_strategy_test.cc
  unit/api_openapi_test.cc
  unit/api_backups_test.cc
  unit/api_backup_schedules_test.cc
  unit/api_instance_resize_test.cc
  unit/api_instance_resize_flavor_test.cc)
target_compile_options(api_unit_test PRIVATE ${AUTOMAT_WARNINGS})
target_link_libraries(api_unit_test PRIVATE automat_api_core automat_ds_api automat_test_support)
gtest_discover_tests(api_unit_test DISCOVERY_MODE PRE_TEST PROPERTIES LABELS unit)

add_executable(api_integration_test integration/api_server_test.cc)
target_compile_options(api_integration_test PRIVATE ${AUTOMAT_WARNINGS})
target_link_libraries(api_integration_test PRIVATE automat_api_core automat_ds_api automat_db
  automat_test_support)
gtest_discover_tests(api_integration_test DISCOVERY_MODE PRE_TEST PROPERTIES LABELS integration TIMEOUT 120)
