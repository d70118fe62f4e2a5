package dev.ist.worker;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The seams between the worker's parts, kept by a test: the engine computes images and knows no transport, storage
 * or network; the job stages know no Kafka type; the worker never reaches into the gateway. A violation names the
 * class and the line.
 */
class ModuleBoundariesTest {

    private static final JavaClasses WORKER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.ist.worker", "dev.ist.common");

    @Test
    void theEngineImportsNoTransportStorageOrNetworkClient() {
        ArchRule rule = noClasses().that().resideInAPackage("dev.ist.worker.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "io.minio..", "java.net.http..",
                        "dev.ist.common.storage..", "dev.ist.worker.runtime..", "dev.ist.worker.cli..",
                        "dev.ist.worker.download..")
                .because("the engine is a library: images and options in, an image out (the weights download goes"
                        + " through WeightsDownload)");
        rule.check(WORKER);
    }

    @Test
    void theJobStagesSeeNoKafkaTypes() {
        ArchRule rule = noClasses().that().resideInAPackage("dev.ist.worker.runtime.job..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..")
                .because("the stages take a JobMessage; the Kafka adapter (runtime.kafka) makes it");
        rule.check(WORKER);
    }

    @Test
    void neitherTheWorkerNorTheContractReachesIntoTheGateway() {
        ArchRule rule = noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.ist.gateway..")
                .because("gateway and worker meet only through the common contract and the topics");
        rule.check(WORKER);
    }

    @Test
    void theContractDependsOnNoFrontEnd() {
        ArchRule rule = noClasses().that().resideInAPackage("dev.ist.common..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.ist.worker..", "dev.ist.gateway..",
                        "dev.ist.client..");
        rule.check(WORKER);
    }
}
