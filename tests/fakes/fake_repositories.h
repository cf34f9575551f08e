#pragma once
// Every in-memory repository fake (one header each, see fake_repository_base.h).
#include "tests/fakes/fake_address_lease_repository.h"
#include "tests/fakes/fake_catalog_repository.h"
#include "tests/fakes/fake_heartbeat_repository.h"
#include "tests/fakes/fake_instance_repository.h"
#include "tests/fakes/fake_operation_repository.h"
#include "tests/fakes/fake_quota_repository.h"
#include "tests/fakes/fake_token_repository.h"
