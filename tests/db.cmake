# Tests of the db/ layer, of automat-manage and of tests/fakes/fake_repositories.h.
# The repository contracts (tests/support/*_contract.h) run here on the fakes,
# and in db_integration_test on PostgreSQL.
add_executable(db_fakes_test unit/db_fakes_test.cc)
target_compile_options(db_fakes_test PRIVATE ${AUTOMAT_WARNINGS})
target_link_libraries(db_fakes_test PRIVATE automat_db automat_test_support)
gtest_discover_tests(db_fakes_test TEST_PREFIX "db_fakes." DISCOVERY_MODE PRE_TEST PROPERTIES LABELS unit)

# Against the real PostgreSQL of AUTOMAT_TEST_DATABASE_URL: each test process
# creates its own database (tests/integration/pg_test_db.h) and drops it.
add_executable(db_integration_test
  integration/db_migrations_test.cc
  integration/db_catalog_tokens_test.cc
  integration/db_instances_test.cc
  integration/db_operations_test.cc
  integration/db_heartbeats_test.cc
  integration/db_address_leases_test.cc
  integration/db_quota_repository_test.cc
  integration/db_manage_cli_test.cc)
target_compile_options(db_integration_test PRIVATE ${AUTOMAT_WARNINGS})
target_link_libraries(db_integration_test PRIVATE automat_db automat_test_support)
target_compile_definitions(db_integration_test PRIVATE
  AUTOMAT_MANAGE_BIN="$<TARGET_FILE:automat-manage>")
add_dependencies(db_integration_test automat-manage)
gtest_discover_tests(db_integration_test TEST_PREFIX "db_integration." DISCOVERY_MODE PRE_TEST
  PROPERTIES LABELS integration TIMEOUT 120)

add_executable(db_manage_test unit/db_manage_test.cc)
target_compile_options(db_manage_test PRIVATE ${AUTOMAT_WARNINGS})
target_link_libraries(db_manage_test PRIVATE automat_manage_commands automat_test_support)
gtest_discover_tests(db_manage_test TEST_PREFIX "db_manage." DISCOVERY_MODE PRE_TEST PROPERTIES LABELS unit)

# The pool under a PostgreSQL of the test's own that it restarts and kills -9
# (tests/integration/private_postgres.h, through scripts/services.sh).
add_executable(db_pool_reconnect_test integration/db_pool_reconnect_test.cc)
target_compile_options(db_pool_reconnect_test PRIVATE ${AUTOMAT_WARNINGS})
target_link_libraries(db_pool_reconnect_test PRIVATE automat_db automat_test_support)
target_compile_definitions(db_pool_reconnect_test PRIVATE
  AUTOMAT_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
gtest_discover_tests(db_pool_reconnect_test TEST_PREFIX "db_pool." DISCOVERY_MODE PRE_TEST
  PROPERTIES LABELS integration TIMEOUT 180)

# The root-enabled history: one contract (tests/support/root_history_contract.h)
# run against PostgreSQL and against the fake.
add_executable(db_root_history_integration_test integration/db_root_history_test.cc)
target_compile_options(db_root_history_integration_test PRIVATE ${AUTOMAT_WARNINGS})
target_link_libraries(db_root_history_integration_test PRIVATE automat_db automat_test_support)
gtest_discover_tests(db_root_history_integration_test DISCOVERY_MODE PRE_TEST
  PROPERTIES LABELS integration TIMEOUT 120)
add_executable(db_root_history_fake_test unit/db_root_history_fake_test.cc)
target_compile_options(db_root_history_fake_test PRIVATE ${AUTOMAT_WARNINGS})
target_link_libraries(db_root_history_fake_test PRIVATE automat_db automat_test_support)
gtest_discover_tests(db_root_history_fake_test DISCOVERY_MODE PRE_TEST
  PROPERTIES LABELS unit TIMEOUT 60)

# Backups: one contract (tests/support/backup_repository_contract.h) run
# against PostgreSQL and against the fake.
add_executable(db_backups_integration_test integration/db_backups_test.cc)
target_compile_options(db_backups_integration_test PRIVATE ${AUTOMAT_WARNINGS})
target_link_libraries(db_backups_integration_test PRIVATE automat_db automat_test_support)
gtest_discover_tests(db_backups_integration_test DISCOVERY_MODE PRE_TEST
  PROPERTIES LABELS integration TIMEOUT 120)
add_executable(db_backups_fake_test unit/db_backups_fake_test.cc)
target_compile_options(db_backups_fake_test PRIVATE ${AUTOMAT_WARNINGS})
target_link_libraries(db_backups_fake_test PRIVATE automat_db automat_test_support)
gtest_discover_tests(db_backups_fake_test DISCOVERY_MODE PRE_TEST
  PROPERTIES LABELS unit TIMEOUT 60)

# Backup schedules: one contract (tests/support/backup_schedule_contract.h)
# run against PostgreSQL and against the fake.
add_executable(db_backup_schedules_integration_test integration/db_backup_schedules_test.cc)
target_compile_options(db_backup_schedules_integration_test PRIVATE ${AUTOMAT_WARNINGS})
target_link_libraries(db_backup_schedules_integration_test PRIVATE automat_db automat_test_support)
gtest_discover_tests(db_backup_schedules_integration_test DISCOVERY_MODE PRE_TEST
  PROPERTIES LABELS integration TIMEOUT 120)
add_executable(db_backup_schedules_fake_test unit/db_backup_schedules_fake_test.cc)
target_compile_options(db_backup_schedules_fake_test PRIVATE ${AUTOMAT_WARNINGS})
target_link_libraries(db_backup_schedules_fake_test PRIVATE automat_db automat_test_support)
gtest_discover_tests(db_backup_schedules_fake_test DISCOVERY_MODE PRE_TEST
  PROPERTIES LABELS unit TIMEOUT 60)
