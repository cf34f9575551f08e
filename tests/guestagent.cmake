# Guest agent and guest managers (guestagent/, datastores/*/guest_*).
set(GUEST_UNIT_TESTS
  guest_child_process_test guest_config_test guest_heartbeat_test guest_mysql_config_test
  guest_mysql_manager_test guest_mysql_backup_test guest_mysql_sql_test guest_service_test
  guest_jobs_test
  guest_node_lifecycle_test guest_server_changes_test guest_supervised_process_test)
foreach(t ${GUEST_UNIT_TESTS})
  add_executable(${t} ${CMAKE_CURRENT_SOURCE_DIR}/unit/${t}.cc)
  target_compile_options(${t} PRIVATE ${AUTOMAT_WARNINGS})
  target_link_libraries(${t} PRIVATE automat_guestagent automat_test_support)
  gtest_discover_tests(${t} DISCOVERY_MODE PRE_TEST PROPERTIES LABELS unit)
endforeach()

# Integration: the real MariaDB (one process per suite, the tests build on
# each other) and the real agent binary.
add_executable(guest_mysql_integration_test
  ${CMAKE_CURRENT_SOURCE_DIR}/integration/guest_mysql_test.cc)
target_compile_options(guest_mysql_integration_test PRIVATE ${AUTOMAT_WARNINGS})
target_link_libraries(guest_mysql_integration_test PRIVATE automat_guestagent automat_test_support)
add_test(NAME guest_mysql_integration COMMAND guest_mysql_integration_test)
set_tests_properties(guest_mysql_integration PROPERTIES LABELS integration TIMEOUT 600)

add_executable(guest_agent_integration_test
  ${CMAKE_CURRENT_SOURCE_DIR}/integration/guest_agent_test.cc)
target_compile_options(guest_agent_integration_test PRIVATE ${AUTOMAT_WARNINGS})
target_link_libraries(guest_agent_integration_test PRIVATE automat_guestagent automat_test_support)
target_compile_definitions(guest_agent_integration_test PRIVATE
  AUTOMAT_GUESTAGENT_BINARY="$<TARGET_FILE:automat-guestagent>")
add_dependencies(guest_agent_integration_test automat-guestagent)
add_test(NAME guest_agent_integration COMMAND guest_agent_integration_test)
set_tests_properties(guest_agent_integration PROPERTIES LABELS integration TIMEOUT 120)

# Backups and restores through mariadb-backup into the file storage.
add_executable(guest_mysql_backup_integration_test
  ${CMAKE_CURRENT_SOURCE_DIR}/integration/guest_mysql_backup_test.cc)
target_compile_options(guest_mysql_backup_integration_test PRIVATE ${AUTOMAT_WARNINGS})
target_link_libraries(guest_mysql_backup_integration_test PRIVATE automat_guestagent
  automat_test_support)
add_test(NAME guest_mysql_backup_integration COMMAND guest_mysql_backup_integration_test)
set_tests_properties(guest_mysql_backup_integration PROPERTIES LABELS integration TIMEOUT 600)
