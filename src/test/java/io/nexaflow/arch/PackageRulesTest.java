package io.nexaflow.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The dependency rules of docs/architecture.md, checked on the compiled main classes: no package cycle, and the
 * flow engine, the flow model and expressions stay pure (no Quarkus, database or HTTP), so they are the bottom
 * every other layer builds on.
 */
class PackageRulesTest {

    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.nexaflow");
    }

    @Test
    void noPackageCycles() {
        // (**) makes every package, subpackages included, a slice of its own.
        slices().matching("io.nexaflow.(**)").should().beFreeOfCycles().check(main);
    }

    @Test
    void theEngineTheFlowModelAndExpressionsArePure() {
        noClasses().that().resideInAnyPackage("io.nexaflow.engine..", "io.nexaflow.flow.model..", "io.nexaflow.expr..")
                .should().dependOnClassesThat().resideInAnyPackage("io.quarkus..", "jakarta.persistence..",
                        "jakarta.ws.rs..", "jakarta.enterprise..", "io.agroal..", "java.sql..", "io.vertx..",
                        "org.hibernate..")
                .check(main);
    }

    @Test
    void theLowerLayersDoNotReachUp() {
        noClasses().that().resideInAnyPackage("io.nexaflow.verb", "io.nexaflow.engine", "io.nexaflow.flow.model",
                        "io.nexaflow.state", "io.nexaflow.commit", "io.nexaflow.export", "io.nexaflow.nexafone",
                        "io.nexaflow.number", "io.nexaflow.problem", "io.nexaflow.config", "io.nexaflow.db", "io.nexaflow.api",
                        "io.nexaflow.expr", "io.nexaflow.request", "io.nexaflow.turn", "io.nexaflow.telemetry")
                .should().dependOnClassesThat().resideInAnyPackage("io.nexaflow.flow", "io.nexaflow.call",
                        "io.nexaflow.webhook", "io.nexaflow.sandbox", "io.nexaflow.audit", "io.nexaflow.security",
                        "io.nexaflow.campaign", "io.nexaflow.analytics")
                .check(main);
    }

    /**
     * Analytics only read: flows, the audit trail through call (call.CallPath) and the engine's diagram; never the
     * packages that run a call, and never campaigns, which ask it (GET /v1/campaigns/{id}/analytics delegates).
     */
    @Test
    void analyticsReadTheAuditTrailOnly() {
        noClasses().that().resideInAPackage("io.nexaflow.analytics")
                .should().dependOnClassesThat().resideInAnyPackage("io.nexaflow.webhook..",
                        "io.nexaflow.sandbox..", "io.nexaflow.audit..", "io.nexaflow.journal..", "io.nexaflow.turn..",
                        "io.nexaflow.nexafone..", "io.nexaflow.state..", "io.nexaflow.request..",
                        "io.nexaflow.campaign..")
                .check(main);
        noClasses().that().resideInAnyPackage("io.nexaflow.call..", "io.nexaflow.flow..", "io.nexaflow.webhook..")
                .should().dependOnClassesThat().resideInAPackage("io.nexaflow.analytics")
                .check(main);
    }

    /**
     * Campaigns sit on top of calls: the dialer places each call through call.OriginateService, as POST /v1/calls
     * does, and reads flows and the foundation; never webhooks, the sandbox or the layers under a call's life.
     */
    @Test
    void campaignsPlaceCallsThroughTheCallPackageOnly() {
        noClasses().that().resideInAPackage("io.nexaflow.campaign")
                .should().dependOnClassesThat().resideInAnyPackage("io.nexaflow.webhook..",
                        "io.nexaflow.sandbox..", "io.nexaflow.audit..", "io.nexaflow.journal..", "io.nexaflow.turn..",
                        "io.nexaflow.nexafone..", "io.nexaflow.state..", "io.nexaflow.engine..",
                        "io.nexaflow.request..")
                .check(main);
        noClasses().that().resideOutsideOfPackages("io.nexaflow.campaign", "io.nexaflow.console")
                .should().dependOnClassesThat().resideInAPackage("io.nexaflow.campaign")
                .check(main);
    }

    /**
     * The console is the top: it reads what the API reads, through the same owners (flows, calls, campaigns,
     * analytics, the engine's diagram), and nothing imports it; it never reaches the packages that run a call.
     */
    @Test
    void theConsoleIsTheTopAndOnlyReads() {
        noClasses().that().resideOutsideOfPackage("io.nexaflow.console")
                .should().dependOnClassesThat().resideInAPackage("io.nexaflow.console")
                .check(main);
        noClasses().that().resideInAPackage("io.nexaflow.console")
                .should().dependOnClassesThat().resideInAnyPackage("io.nexaflow.webhook..", "io.nexaflow.sandbox..",
                        "io.nexaflow.audit..", "io.nexaflow.journal..", "io.nexaflow.turn..", "io.nexaflow.nexafone..",
                        "io.nexaflow.state..", "io.nexaflow.request..", "io.nexaflow.commit..")
                .check(main);
    }
}
