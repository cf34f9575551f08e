# Tests of taskmanager/ and the datastores' workflows: unit tests against
# tests/fakes, integration tests against the real PostgreSQL
# (AUTOMAT_TEST_DATABASE_URL).
foreach(name runner mysql_workflow mysql_backup mysql_promote mysql_replica_seed consumer lease_keeper
    orphan_reaper settings
    backup_scheduler guest_job
    worker_pool dispatcher node_phase volume_resize flavor_resize step_kit)
  add_executable(taskmanager_${name}_test unit/taskmanager_${name}_test.cc)
  target_compile_options(taskmanager_${name}_test PRIVATE ${AUTOMAT_WARNINGS})
  target_link_libraries(taskmanager_${name}_test PRIVATE
    automat_ds_workflow automat_taskmanager_core automat_test_support)
  gtest_discover_tests(taskmanager_${name}_test DISCOVERY_MODE PRE_TEST
    PROPERTIES LABELS unit TIMEOUT 120)
endforeach()
# Compares the defaults with etc/automat.conf.
target_compile_definitions(taskmanager_settings_test PRIVATE
  AUTOMAT_SOURCE_DIR="${PROJECT_SOURCE_DIR}")

add_executable(taskmanager_lease_takeover_test integration/taskmanager_lease_takeover_test.cc)
target_compile_options(taskmanager_lease_takeover_test PRIVATE ${AUTOMAT_WARNINGS})
target_link_libraries(taskmanager_lease_takeover_test PRIVATE
  automat_taskmanager_core automat_test_support)
gtest_discover_tests(taskmanager_lease_takeover_test DISCOVERY_MODE PRE_TEST
  PROPERTIES LABELS integration TIMEOUT 120)

# The orphan reaper over the real local driver (fake guest scripts) and the
# real PostgreSQL's instance, operation and address-lease rows.
add_executable(taskmanager_orphan_reaper_pg_test integration/taskmanager_orphan_reaper_test.cc)
target_compile_options(taskmanager_orphan_reaper_pg_test PRIVATE ${AUTOMAT_WARNINGS})
target_link_libraries(taskmanager_orphan_reaper_pg_test PRIVATE
  automat_taskmanager_core automat_test_support)
gtest_discover_tests(taskmanager_orphan_reaper_pg_test DISCOVERY_MODE PRE_TEST
  PROPERTIES LABELS integration TIMEOUT 120)
