package io.nexaflow.support;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Requests against the running test application, with an API key of a given role. */
public final class Api {

    public static final String ADMIN_KEY = "test-admin-key";
    private static final Map<String, String> KEYS = new ConcurrentHashMap<>();

    private Api() {
    }

    public static RequestSpecification as(String role) {
        return RestAssured.given().contentType(ContentType.JSON).header("Authorization", "Bearer " + key(role));
    }

    public static RequestSpecification admin() {
        return as("admin");
    }

    /** Where the test application tells Nexafone to send gather callbacks (NEXAFLOW_PUBLIC_URL + the webhook). */
    public static String callbackBase() {
        return org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("nexaflow.public-url", String.class)
                + "/api/handle-dtmf?s=";
    }

    public static RequestSpecification anonymous() {
        return RestAssured.given().contentType(ContentType.JSON);
    }

    /** The bootstrap key for admin; a key made through the API (once per test run) for the other roles. */
    public static String key(String role) {
        if (role.equals("admin")) {
            return ADMIN_KEY;
        }
        return KEYS.computeIfAbsent(role, r -> RestAssured.given().contentType(ContentType.JSON)
                .header("Authorization", "Bearer " + ADMIN_KEY)
                .body(Map.of("name", "test-" + r, "role", r))
                .post("/v1/keys").then().statusCode(201).extract().path("key"));
    }
}
