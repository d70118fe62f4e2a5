package dev.ist.worker.engine;

import ai.djl.ndarray.NDArray;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** Rules of the engine's code that no compiler checks. */
class EngineArchitectureTest {
    private static final JavaClasses ENGINE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.ist.worker.engine");

    /** A call of one of NDArray's overloads that take a Number ({@code mul(Number)}, {@code divi(Number)}, …). */
    private static final DescribedPredicate<JavaMethodCall> SCALAR_OVERLOAD = DescribedPredicate.describe(
            "an NDArray method taking a java.lang.Number",
            call -> call.getTarget().getOwner().isAssignableTo(NDArray.class)
                    && call.getTarget().getRawParameterTypes().stream()
                            .anyMatch(t -> t.isEquivalentTo(Number.class)));

    @Test
    void noScalarReachesAnArrayExceptThroughScalars() {
        // a scalar overload frees its operand's memory before the backward pass that reads it (see Scalars)
        ArchRule rule = noClasses().that().doNotHaveFullyQualifiedName(Scalars.class.getName())
                .should().callMethodWhere(SCALAR_OVERLOAD)
                .because("DJL frees the scalar's memory before autograd's backward pass reads it; use Scalars");
        rule.check(ENGINE);
    }
}
