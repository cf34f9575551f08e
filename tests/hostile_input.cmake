# Tests of the API's edge against hostile input (issue 10, part 1): the JSON
# reader, display names, client text, path/query checks, refusals, connection
# caps, request ids and PostgreSQL's errors in the project's words. The unit
# binary uses fakes only; the integration binaries start the real HTTP
# server (api_edge_integration_test over the PostgreSQL of
# AUTOMAT_TEST_DATABASE_URL; api_connections_test over fakes, with 20,000
# sockets held by child processes).
add_executable(api_edge_unit_test
  unit/api_json_reader_test.cc
  unit/api_display_name_test.cc
  unit/api_hostile_input_test.cc
  unit/api_http_refusals_test.cc
  unit/common_client_text_test.cc
  unit/common_log_scope_test.cc
  unit/db_pg_errors_test.cc)
target_compile_options(api_edge_unit_test PRIVATE ${AUTOMAT_WARNINGS})
target_link_libraries(api_edge_unit_test PRIVATE automat_api_core automat_ds_api automat_db
  automat_test_support)
gtest_discover_tests(api_edge_unit_test TEST_PREFIX "edge." DISCOVERY_MODE PRE_TEST
  PROPERTIES LABELS unit)

add_executable(api_edge_integration_test integration/api_edge_test.cc)
target_compile_options(api_edge_integration_test PRIVATE ${AUTOMAT_WARNINGS})
target_link_libraries(api_edge_integration_test PRIVATE automat_api_core automat_ds_api automat_db
  automat_test_support)
gtest_discover_tests(api_edge_integration_test TEST_PREFIX "edge." DISCOVERY_MODE PRE_TEST
  PROPERTIES LABELS integration TIMEOUT 120)

add_executable(api_connections_test integration/api_connections_test.cc)
target_compile_options(api_connections_test PRIVATE ${AUTOMAT_WARNINGS})
target_link_libraries(api_connections_test PRIVATE automat_api_core automat_ds_api automat_db
  automat_test_support)
gtest_discover_tests(api_connections_test TEST_PREFIX "edge." DISCOVERY_MODE PRE_TEST
  PROPERTIES LABELS integration TIMEOUT 180 RUN_SERIAL TRUE)
