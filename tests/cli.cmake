# Unit tests of the tenant CLI (cli/): no services needed. The commands run
# against tests/fakes/fake_http_client.h; the curl client against sockets the
# test opens itself.
add_executable(automat_cli_unit_tests
  ${CMAKE_CURRENT_LIST_DIR}/unit/cli_backup_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/unit/cli_cluster_actions_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/unit/cli_cluster_commands_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/unit/cli_cluster_resize_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/unit/cli_cluster_views_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/unit/cli_commands_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/unit/cli_errors_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/unit/cli_http_client_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/unit/cli_progress_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/unit/cli_replication_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/unit/cli_table_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/unit/cli_user_spec_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/unit/cli_volume_resize_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/unit/cli_waiter_test.cc)
target_compile_options(automat_cli_unit_tests PRIVATE ${AUTOMAT_WARNINGS})
target_link_libraries(automat_cli_unit_tests PRIVATE automat_cli_lib automat_test_support)
gtest_discover_tests(automat_cli_unit_tests DISCOVERY_MODE PRE_TEST PROPERTIES LABELS unit)

# automat database | user | root.
add_executable(automat_cli_database_admin_test
  ${CMAKE_CURRENT_LIST_DIR}/unit/cli_database_admin_test.cc)
target_compile_options(automat_cli_database_admin_test PRIVATE ${AUTOMAT_WARNINGS})
target_link_libraries(automat_cli_database_admin_test PRIVATE automat_cli_lib automat_test_support)
gtest_discover_tests(automat_cli_database_admin_test DISCOVERY_MODE PRE_TEST PROPERTIES LABELS unit)
