/* libFuzzer target: the XML response and error parsers (query and EC2
 * protocols) and the reading helpers the data sources use, on arbitrary
 * bytes as a hostile or broken endpoint could send them. */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "aws/xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_walk(const xmlNode *n, int depth)
{
	int64_t v;
	double d;
	int b;

	for (xmlNode *c = aws_xml_first(n, NULL); c != NULL && depth < 80; c = aws_xml_next(c, NULL)) {
		free(aws_xml_node_text(c));
		aws_xml_int(c, "Port", &v);
		aws_xml_double(c, "Value", &d);
		aws_xml_bool(c, "MultiAZ", &b);
		aws_xml_time(c, "Timestamp", &v);
		fuzz_walk(c, depth + 1);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rw_error err = RW_ERROR_INIT;
	char *code, *msg, *rid;
	xmlDoc *doc = aws_xml_parse((const char *)data, size, "rds", "DescribeDBInstances", &err);

	if (doc != NULL) {
		xmlNode *res = aws_xml_result(doc, "DescribeDBInstances");

		fuzz_walk(xmlDocGetRootElement(doc), 0);
		free(aws_xml_text(res, "DBInstances/DBInstance/Endpoint/Address"));
		aws_xml_count(res, "DBInstances");
		xmlFreeDoc(doc);
	}
	err_clear(&err);
	if (aws_xml_parse_error((const char *)data, size, &code, &msg, &rid) == 0) {
		if (code == NULL)
			abort();
		free(code);
		free(msg);
		free(rid);
	}
	return 0;
}
