package dev.ferry.foundation;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** Given the running service, readiness covers Kafka and PostgreSQL, and Prometheus metrics are exposed. */
@QuarkusTest
class HealthAndMetricsTest {

    @Test
    void readinessIsUpWithKafkaAndDatabaseChecks() {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("Kafka cluster", "PostgreSQL"));
    }

    @Test
    void livenessIsUpWithEveryLaneRunning() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.find { it.name == 'Ferry lanes' }.data.rpc", equalTo("running"))
                .body("checks.find { it.name == 'Ferry lanes' }.data.'model-events'", equalTo("running"));
    }

    @Test
    void prometheusMetricsAreExposed() {
        given().when().get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
    }
}
