package io.nexaflow.flow;

import io.nexaflow.flow.model.FlowValidator;
import io.nexaflow.expr.Variables;
import io.nexaflow.flow.model.NodeType;
import io.nexaflow.verb.Keypad;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.media.Discriminator;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the flow definition schemas into the OpenAPI document from {@link NodeType}, the same declaration
 * validation uses: nodes are a {@code oneOf} with a {@code type} discriminator.
 */
public class FlowSchemaFilter implements OASFilter {

    private static final String REF = "#/components/schemas/";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null) {
            openAPI.components(OASFactory.createComponents());
        }
        var components = openAPI.getComponents();
        List<Schema> variants = new ArrayList<>();
        Discriminator discriminator = OASFactory.createDiscriminator().propertyName("type");
        for (NodeType type : NodeType.values()) {
            String name = schemaName(type);
            components.addSchema(name, nodeSchema(type));
            variants.add(OASFactory.createSchema().ref(REF + name));
            discriminator.addMapping(type.id(), REF + name);
        }
        components.addSchema("Node", OASFactory.createSchema()
                .description("A node of a call flow; `type` says which.")
                .oneOf(variants).discriminator(discriminator));
        components.addSchema("FlowDefinition", OASFactory.createSchema()
                .addType(SchemaType.OBJECT)
                .description("A call flow: the start node and a graph of named nodes (ids match `"
                        + FlowValidator.NODE_ID.pattern() + "`). Validation reports every problem at once.")
                .required(List.of("start", "nodes"))
                .addProperty("start", OASFactory.createSchema().addType(SchemaType.STRING)
                        .description("Id of the first node").examples(List.of("welcome")))
                .addProperty("nodes", OASFactory.createSchema().addType(SchemaType.OBJECT)
                        .description("Node id → node (at most " + FlowValidator.MAX_NODES + ")")
                        .additionalPropertiesSchema(OASFactory.createSchema().ref(REF + "Node"))));
    }

    static String schemaName(NodeType type) {
        return Character.toUpperCase(type.id().charAt(0)) + type.id().substring(1) + "Node";
    }

    private static Schema nodeSchema(NodeType type) {
        List<String> required = new ArrayList<>(List.of("type"));
        Schema schema = OASFactory.createSchema().addType(SchemaType.OBJECT).description(type.description())
                .additionalPropertiesBoolean(false)
                .addProperty("type", OASFactory.createSchema().addType(SchemaType.STRING)
                        .enumeration(List.of(type.id())));
        for (NodeType.Field field : type.fields()) {
            if (field.required()) {
                required.add(field.name());
            }
            schema.addProperty(field.name(), fieldSchema(field));
        }
        return schema.required(required);
    }

    private static Schema fieldSchema(NodeType.Field field) {
        Schema schema = OASFactory.createSchema().description(field.description());
        switch (field.kind()) {
            case AUDIO_URL -> schema.addType(SchemaType.STRING).format("uri").pattern("^https://");
            case NODE_REF -> schema.addType(SchemaType.STRING).pattern(FlowValidator.NODE_ID.pattern());
            case INTEGER -> schema.addType(SchemaType.INTEGER).minimum(BigDecimal.valueOf(field.min()))
                    .maximum(BigDecimal.valueOf(field.max())).defaultValue(field.defaultValue());
            case BOOLEAN -> schema.addType(SchemaType.BOOLEAN).defaultValue(field.defaultValue());
            case KEY -> schema.addType(SchemaType.STRING).pattern(Keypad.KEY_PATTERN);
            case DIAL_TARGET -> schema.addType(SchemaType.STRING);
            case ROUTES -> schema.addType(SchemaType.OBJECT)
                    .additionalPropertiesSchema(OASFactory.createSchema().addType(SchemaType.STRING)
                            .pattern(FlowValidator.NODE_ID.pattern()));
            case VAR_NAME -> schema.addType(SchemaType.STRING).pattern(Variables.NAME.pattern());
            case REGEX -> schema.addType(SchemaType.STRING).format("regex").maxLength(FlowValidator.MAX_REGEX);
            case FLAG -> schema.addType(SchemaType.BOOLEAN).defaultValue(false);
            case HTTP_METHOD -> schema.addType(SchemaType.STRING).enumeration(new ArrayList<>(FlowValidator.METHODS));
            case URL_TEMPLATE -> schema.addType(SchemaType.STRING).pattern("^https?://[^{]+");
            case HEADERS -> schema.addType(SchemaType.OBJECT)
                    .additionalPropertiesSchema(OASFactory.createSchema().addType(SchemaType.STRING));
            case JSON_TEMPLATE -> {
                // any JSON value: no type constraint
            }
            case EXTRACT -> schema.addType(SchemaType.OBJECT)
                    .additionalPropertiesSchema(OASFactory.createSchema().addType(SchemaType.STRING).pattern("^(/.*)?$"));
            case CASES -> schema.addType(SchemaType.ARRAY).minItems(1).maxItems(FlowValidator.MAX_CASES)
                    .items(OASFactory.createSchema().addType(SchemaType.OBJECT).required(List.of("when", "next"))
                            .additionalPropertiesBoolean(false)
                            .addProperty("when", OASFactory.createSchema().addType(SchemaType.STRING)
                                    .description("A CEL condition over `vars` and `call`")
                                    .examples(List.of("vars.balance > 0.0")))
                            .addProperty("next", OASFactory.createSchema().addType(SchemaType.STRING)
                                    .pattern(FlowValidator.NODE_ID.pattern())));
            case VARS -> schema.addType(SchemaType.OBJECT)
                    .additionalPropertiesSchema(OASFactory.createSchema().addType(SchemaType.STRING));
        }
        return schema;
    }
}
